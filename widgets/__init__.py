"""ipywidgets forms for lineage-magics: create, link, explore and clean up lineage entities.

Each form is a widget usable alone (``EntityForm(client)``) or through :func:`form`
(``%lineage form entity|link|explore|cleanup [REF]`` calls it). Every form shows its state
in a status line, disables its buttons while work runs and shows errors in place.
"""

from __future__ import annotations

from typing import Any

from lineage_magics.errors import LineageError
from lineage_magics.text import did_you_mean

from .base import FormError, LineageForm
from .cleanup import CleanupForm
from .entity_form import EntityForm
from .explorer import ExploreForm
from .graph_view import GraphView
from .link_form import LinkForm

__all__ = [
    "FORMS",
    "CleanupForm",
    "FormError",
    "EntityForm",
    "ExploreForm",
    "GraphView",
    "LineageForm",
    "LinkForm",
    "form",
]

FORMS: dict[str, type[LineageForm]] = {
    "entity": EntityForm,
    "link": LinkForm,
    "explore": ExploreForm,
    "cleanup": CleanupForm,
}

# what a REF given to form() means for each form
_REF_ARGUMENT = {"entity": "kind", "link": "source", "explore": "start", "cleanup": "context"}


def form(kind: str, client: Any = None, ref: Any = None, **kwargs: Any) -> LineageForm:
    """Build the form ``kind`` (entity, link, explore, cleanup) on ``client``.

    ``client``: a LineageClient (None: ``LineageClient()`` on the default URL). ``ref`` is
    the entity kind for ``entity`` (context, action, artifact), the source for ``link``, the
    start for ``explore`` and the context for ``cleanup``; other keywords go to the form.
    """
    if kind not in FORMS:
        raise LineageError(f"no form {kind!r}{did_you_mean(kind, FORMS)}; forms: {', '.join(FORMS)}")
    if ref is not None:
        kwargs[_REF_ARGUMENT[kind]] = ref
    return FORMS[kind](client, **kwargs)
