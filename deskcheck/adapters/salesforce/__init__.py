"""Salesforce (Service Cloud) behind the ports, through simple-salesforce: the CRM port (:class:`SalesforceCrm`).

    from deskcheck.adapters.salesforce import SalesforceCrm
    crm = SalesforceCrm("https://acme.my.salesforce.com", client_id, client_secret)            # client credentials
    crm = SalesforceCrm(url, client_id, client_secret, username="maya@acme.com", password=...)  # a user's view
    crm = SalesforceCrm(sandbox_json["salesforce"], "deskcheck-suite", secret, ca_bundle=sandbox_json["ca_bundle"])
"""
from deskcheck.adapters.salesforce.crm import SalesforceCrm
from deskcheck.adapters.salesforce.session import SalesforceLoginFailed

__all__ = ["SalesforceCrm", "SalesforceLoginFailed"]
