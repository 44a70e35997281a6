"""The Spark tests' JVM, tuned for a short run of small jobs.

A test run asks Spark for a few hundred small queries and then stops: the JVM's optimising
compiler (C2) spends more CPU compiling Spark's hot paths than it would ever win back in so
short a life (about half of the JVM's CPU in a run of ``rules test --engine spark``, profiled
by thread). The quick compiler alone (``-XX:TieredStopAtLevel=1``) runs the same Spark, the same
plans and the same code generation: only how the JVM compiles its own bytecode changes; the
serial collector spares the two cores the parallel one's threads for a heap this small. Figures:
docs/performance.md ("The suite, session 9"). All the suite's Spark tests share one worker's
session (their xdist group), and by the end of a run its plans, cached relations and Arrow
batches outgrew Spark's default 1 GiB driver heap once (``OutOfMemoryError`` in the exactness
property, session 12): the heap is 2 GiB. Production keeps the JVM's defaults: these options
reach only the Spark session a test process starts, and one set in the environment wins.
"""

from __future__ import annotations

import os

os.environ.setdefault(
    "PYSPARK_SUBMIT_ARGS",
    "--driver-memory 2g"
    ' --driver-java-options "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC" pyspark-shell',
)
