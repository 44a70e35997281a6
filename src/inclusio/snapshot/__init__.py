"""The snapshot: the contract between the registry and the rules engine (``contract``), its
validation (``validate``) and the assembly of an exported snapshot from the registry's part and
the population register's part (``assemble``). No Django here: the registry app reads its
database and hands the rows over as Arrow."""
