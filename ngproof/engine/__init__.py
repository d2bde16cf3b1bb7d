"""The engine: discover → select → run → judge, with a cache.

``discovery`` loads theorem modules into claims, ``selection`` applies ``-k``, ``runner``
executes one claim (``capture`` keeps what it prints) and judges it, ``claim_server`` and
``executors`` run claims in server processes (locally or on Dask), ``cache`` and
``kernel_reach`` reuse a result while nothing it rests on changed, ``verification`` ties a run
together; ``progress`` and ``atomic`` are its console line and its safe file writes.
"""
