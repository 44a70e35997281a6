"""The emergency dispatchers' registry ("ARM-Dispatcher"): the homes of persons with limited
mobility, shown to rescuers at an incident's address, and nothing more than they need."""
