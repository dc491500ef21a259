"""The sagas on Temporal: a workflow per saga runs ``core.orchestrator.definition``'s steps as activities
that call the same desks the built-in runner calls.

- ``workflows.py``: the workflows, one type per saga kind over one loop (deterministic: it only moves the saga
  and asks for activities); they pass the SDK's sandbox, importing nothing but the core's saga and this
  package's codec.
- ``activities.py``: a step's desk calls, the undo of a late reservation, and the saga's record in the
  orchestrator database (what the admin routes and the census read, whichever engine runs the saga).
- ``engine.py``: ``TemporalSagaEngine``, the ``SagaEngine`` the use cases call: it starts workflows and
  signals them what other contexts report.
- ``worker.py``: the worker that runs both (``marketplace work saga-worker``).
"""
