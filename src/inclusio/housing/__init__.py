"""Housing waiting lists with the priority of persons with disabilities (seed §46–47)."""
