"""Operations over the lineage graph, each a function of an :class:`~lineage_magics.api.Api`:
trace, apply, cleanup, transfer (copy and import), diff, impact. See docs/architecture.md."""
