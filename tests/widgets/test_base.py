"""The shared form base: status line, busy state, errors in place, and widgets.form()."""

from __future__ import annotations

import logging

import ipywidgets as w
import pytest

from lineage_magics import widgets
from lineage_magics.errors import LineageError, NotFoundError
from lineage_magics.widgets.base import FormError, LineageForm


class Probe(LineageForm):
    """A minimal form with one button whose work is given by the test."""

    title = "Probe"

    def __init__(self, client, work):
        self.go = w.Button(description="Go")
        self.other = w.Button(description="Other")
        self.go.on_click(self.action(lambda _b: work(self), "working…"))
        super().__init__(client, [self.go, self.other])


def test_status_line_is_escaped(client):
    form = Probe(client, lambda f: None)
    form.set_status("<script>alert(1)</script> & more", "info")
    assert "<script" not in form._status.value
    assert "&lt;script&gt;" in form._status.value
    assert form.status == "<script>alert(1)</script> & more"


def test_status_is_one_line(client):
    form = Probe(client, lambda f: None)
    form.set_status("first\nsecond\n\nthird")
    assert "\n" not in form.status and "\n" not in form._status.value


def test_an_exception_lands_in_the_status_line_in_red(client):
    def fail(_form):
        raise RuntimeError("boom <b>bold</b>\nsecond line of detail")

    form = Probe(client, fail)
    form.go.click()
    assert form.status == "RuntimeError: boom <b>bold</b>"
    assert form.status_level == "error"
    assert "#c62828" in form._status.value and "<b>" not in form._status.value
    assert isinstance(form.error, RuntimeError)
    assert not form.go.disabled and not form.other.disabled  # buttons come back after a failure


def test_buttons_are_disabled_while_work_runs(client):
    seen = {}

    def work(form):
        seen["disabled"] = [b.disabled for b in form.buttons()]
        seen["status"] = form.status

    form = Probe(client, work)
    form.go.click()
    assert seen == {"disabled": [True, True], "status": "working…"}
    assert [b.disabled for b in form.buttons()] == [False, False]
    assert form.error is None


def test_a_click_while_busy_is_ignored(client):
    calls = []

    def work(form):
        calls.append(1)
        form.go.click()  # re-entrant click during the work

    form = Probe(client, work)
    form.go.click()
    assert calls == [1]


def test_form_builds_each_kind(client):
    assert isinstance(widgets.form("entity", client), widgets.EntityForm)
    assert isinstance(widgets.form("link", client), widgets.LinkForm)
    assert isinstance(widgets.form("explore", client), widgets.ExploreForm)
    assert isinstance(widgets.form("cleanup", client), widgets.CleanupForm)
    assert widgets.form("entity", client, "artifact").kind.value == "artifact"


def test_form_rejects_an_unknown_kind_with_a_suggestion(client):
    with pytest.raises(LineageError, match=r"no form 'explor' \(did you mean 'explore'\?\)"):
        widgets.form("explor", client)


@pytest.mark.parametrize(
    ("error", "shown"),
    [
        (FormError("choose a context first"), "choose a context first"),
        (NotFoundError("no context named 'x'"), "NotFoundError: no context named 'x'"),
        (ZeroDivisionError("division by zero"), "ZeroDivisionError: division by zero"),
    ],
)
def test_errors_are_shown_and_logged(client, caplog, error, shown):
    def fail(_form):
        raise error

    form = Probe(client, fail)
    with caplog.at_level(logging.INFO, logger="lineage_magics.widgets"):
        form.go.click()
    assert form.status == shown and form.error is error
    record = caplog.records[-1]
    if isinstance(error, LineageError):  # the message is the whole story
        assert record.levelno == logging.INFO and record.exc_info is None
    else:  # a bug: logged with its traceback
        assert record.levelno == logging.ERROR and record.exc_info[1] is error


def test_the_busy_message_does_not_outlive_the_work(client):
    form = Probe(client, lambda f: None)
    form.go.click()
    assert form.status == "" and form.status_level == "info"
    said = Probe(client, lambda f: f.set_status("all done", "ok"))
    said.go.click()
    assert said.status == "all done"
