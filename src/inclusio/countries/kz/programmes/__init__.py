"""Kazakhstan's programmes as rule files (``*.yaml``) with their rule tests (``*.test.yaml``).

Plain data read by ``inclusio.rules``; this file only makes the folder a package so that the
YAML files are installed with it.
"""
