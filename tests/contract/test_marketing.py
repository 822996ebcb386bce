"""The contract of the marketing port: what the marketing_sync steps rely on, asked through the ports only.

Checked when the profile's adapters offer ``marketing``; skipped with the capability named otherwise.
"""
from __future__ import annotations

import uuid

import pytest

from deskcheck.records import FormSubmission
from tests.contract.conftest import expect_port


@pytest.fixture
def marketing_port(adapters):
    if "marketing" not in adapters.capabilities:
        pytest.skip(f"the {adapters.name} adapters do not offer 'marketing'")
    return adapters.port("marketing")


def test_a_crm_contact_reaches_marketing_in_step_and_a_deleted_one_goes_inactive(crm, marketing_port, new_number):
    marketing = marketing_port
    email = f"contract.marketing.{new_number[-7:]}@example.test"
    created = crm.create_contact("Contract", "Marketing", new_number, email=email)
    job = marketing.run_sync()
    assert job.status == "succeeded", f"contract broken: marketing.run_sync should succeed: {job.describe()}"
    copy = expect_port(f"marketing.contact_for({created.id!r})",
                       "return the CRM contact's marketing copy, active, with its names, number and email",
                       lambda c: c is not None and (c.crm_id, c.full_name, c.phone, c.email, c.status) ==
                       (created.id, "Contract Marketing", new_number, email, "active"),
                       lambda: marketing.contact_for(created.id))
    report = marketing.reconcile([created.id], [copy.id])
    assert report.ok, f"contract broken: marketing.reconcile should find the synced contact in step: {report.describe()}"
    crm.delete_contact(created.id)
    marketing.run_sync()
    expect_port(f"marketing.contact({copy.id!r})", "show the contact inactive once the CRM deleted it and a sync ran",
                lambda c: c.status == "inactive", lambda: marketing.contact(copy.id))


def test_a_form_posted_twice_is_one_submission(marketing_port, new_number):
    marketing = marketing_port
    tag = uuid.uuid4().hex[:8]
    form = FormSubmission(f"contract-{tag}", "Contract form", f"contract.form.{tag}@example.test", "Contract", "Form",
                          new_number)
    first = marketing.submit_form(form)
    again = marketing.submit_form(form)
    assert (first.duplicate, first.new_contact) == (False, True), \
        f"contract broken: marketing.submit_form should make a new contact for a new email: {first}"
    assert (again.duplicate, again.contact_id) == (True, first.contact_id), \
        f"contract broken: marketing.submit_form should answer a repeated post as a duplicate of the first: {again}"
    expect_port(f"marketing.contacts(email={form.email!r})", "return exactly the one contact the form made",
                lambda found: [c.id for c in found] == [first.contact_id], lambda: marketing.contacts(email=form.email))
