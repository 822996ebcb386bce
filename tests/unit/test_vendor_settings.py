"""Settings for a real Salesforce org and Amazon Connect instance (the service-cloud-voice profile)."""
from __future__ import annotations

import pytest

from deskcheck.adapters import Connection
from deskcheck.adapters.service_cloud_voice import ServiceCloudVoiceAdapters
from fixtures.settings import SettingsError, load_settings
from tests.unit.test_settings import write_pyproject

REAL = {"DESKCHECK_SALESFORCE": "https://acme.my.salesforce.com/", "DESKCHECK_SALESFORCE_CLIENT_ID": "3MVG9-acme",
        "DESKCHECK_SALESFORCE_CLIENT_SECRET": "sf-s3cret-value", "DESKCHECK_CONNECT_INSTANCE_ID": "a1b2c3",
        "DESKCHECK_CONNECT_REGION": "eu-west-2"}
#: what the sandbox's doors announce (fixtures/target.py hands them to the adapters as options)
DOORS = {"salesforce": "https://127.0.0.1:4431", "ca_bundle": "/tmp/salesforce-ca.pem", "connect": "http://127.0.0.1:4432",
         "connect_instance_id": "sandbox-instance", "connect_region": "us-east-1", "connect_access_key_id": "AKIASANDBOX",
         "connect_secret_access_key": "sandbox-secret"}


def test_no_vendor_settings_leave_the_sandboxs_doors_alone(tmp_path):
    assert load_settings(write_pyproject(tmp_path), environ={}).adapter_options() == {}


def test_a_real_org_and_instance_replace_every_door_option_of_their_vendor(tmp_path):
    settings = load_settings(write_pyproject(tmp_path), environ=REAL)
    options = {**DOORS, **settings.adapter_options()}
    assert options == {"salesforce": "https://acme.my.salesforce.com", "salesforce_client_id": "3MVG9-acme",
                       "salesforce_client_secret": "sf-s3cret-value", "ca_bundle": "", "connect": "",
                       "connect_instance_id": "a1b2c3", "connect_region": "eu-west-2", "connect_access_key_id": "",
                       "connect_secret_access_key": ""}
    adapters = ServiceCloudVoiceAdapters(Connection({}, "deskcheck-suite", "suite-secret", options))
    # empty options fall back: no CA bundle of the sandbox's, AWS's own endpoint, boto3's own credential chain
    assert [adapters.option(n) for n in ("ca_bundle", "connect", "connect_access_key_id")] == [None, None, None]
    assert adapters.option("salesforce_client_id", "deskcheck-suite") == "3MVG9-acme"


def test_a_private_ca_for_the_org(tmp_path):
    settings = load_settings(write_pyproject(tmp_path), environ={**REAL, "DESKCHECK_SALESFORCE_CA_BUNDLE": "/etc/proxy-ca.pem"})
    assert {**DOORS, **settings.adapter_options()}["ca_bundle"] == "/etc/proxy-ca.pem"


def test_the_connected_apps_secret_is_a_secret(tmp_path):
    settings = load_settings(write_pyproject(tmp_path), environ=REAL)
    assert "sf-s3cret-value" not in repr(settings) and settings.masked()["salesforce_client_secret"] == "***"
    with pytest.raises(SettingsError, match="salesforce_client_secret.*secret"):
        load_settings(write_pyproject(tmp_path, "salesforce_client_secret = 'oops'\n"), environ={})


@pytest.mark.parametrize(("left_out", "named"), [
    ("DESKCHECK_SALESFORCE_CLIENT_SECRET", "salesforce_client_secret"),
    ("DESKCHECK_SALESFORCE_CLIENT_ID", "salesforce_client_id"),
    ("DESKCHECK_CONNECT_REGION", "connect_region"),
])
def test_half_an_org_or_instance_is_refused_by_name(tmp_path, left_out, named):
    environ = {k: v for k, v in REAL.items() if k != left_out}
    with pytest.raises(SettingsError, match=named) as refused:
        load_settings(write_pyproject(tmp_path), environ=environ)
    assert "sf-s3cret-value" not in str(refused.value)


def test_salesforce_is_https_only(tmp_path):
    with pytest.raises(SettingsError, match="only https"):
        load_settings(write_pyproject(tmp_path), environ={**REAL, "DESKCHECK_SALESFORCE": "http://acme.test"})
