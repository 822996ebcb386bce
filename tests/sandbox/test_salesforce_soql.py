"""The Salesforce door's SOQL subset: valid queries select what Salesforce would, malformed ones are
refused with Salesforce's errorCode (no server: the parser runs over rows made here)."""
from __future__ import annotations

import pytest

from sandbox.crm.salesforce_schema import CONTACT, TASK, make_id, sobject
from sandbox.crm.salesforce_soql import SoqlError, parse

pytestmark = pytest.mark.sandbox


def contact(number: int, first: str, last: str, phone: str, **more) -> dict:
    return {"Id": make_id("003", number), "FirstName": first, "LastName": last, "Name": f"{first} {last}",
            "Phone": phone, "Email": more.get("Email"), "DoNotCall": more.get("DoNotCall", False),
            "LeadScore__c": more.get("LeadScore__c"), "Birthdate": more.get("Birthdate"),
            "CreatedDate": more.get("CreatedDate", "2026-11-01T09:00:00.000+0000"), "IsDeleted": False}


ROWS = [
    contact(1, "Dana", "Whitfield", "+15551230002", Email="dana@example.com", LeadScore__c=40.0,
            Birthdate="1985-04-12", CreatedDate="2026-11-02T10:00:00.000+0000"),
    contact(2, "Dan", "Whitfield", "+15551230002", DoNotCall=True, LeadScore__c=75.0),
    contact(3, "Zoë", "O'Connor", "+15551230005", Email="zoe_o@example.com"),
    contact(4, "Priya", "Raman", "+15551230003", Birthdate="1991-12-01"),
]


def names(soql: str, rows: list[dict] = ROWS) -> list[str]:
    query = parse(soql)
    return [r["FirstName"] for r in query.run(rows)]


@pytest.mark.parametrize("soql, expected", [
    ("SELECT Id FROM Contact", ["Dana", "Dan", "Zoë", "Priya"]),
    ("select id from contact where phone = '+15551230002' order by firstname", ["Dan", "Dana"]),
    ("SELECT Id FROM Contact WHERE LastName = 'whitfield' AND DoNotCall = false", ["Dana"]),
    ("SELECT Id FROM Contact WHERE LastName = 'Raman' OR DoNotCall = true", ["Dan", "Priya"]),
    ("SELECT Id FROM Contact WHERE (LastName = 'Raman' OR DoNotCall = true) AND Phone != '+15551230003'", ["Dan"]),
    ("SELECT Id FROM Contact WHERE NOT LastName = 'Whitfield'", ["Zoë", "Priya"]),
    ("SELECT Id FROM Contact WHERE FirstName IN ('dana', 'Priya') ORDER BY FirstName DESC", ["Priya", "Dana"]),
    ("SELECT Id FROM Contact WHERE FirstName NOT IN ('Dana', 'Dan')", ["Zoë", "Priya"]),
    ("SELECT Id FROM Contact WHERE Name LIKE '%whit%' ORDER BY Id DESC", ["Dan", "Dana"]),
    ("SELECT Id FROM Contact WHERE LastName LIKE 'O\\'Con%'", ["Zoë"]),
    ("SELECT Id FROM Contact WHERE Email LIKE 'zoe\\_o%'", ["Zoë"]),
    ("SELECT Id FROM Contact WHERE Email LIKE 'dana_example%'", ["Dana"]),  # _ is any one character
    ("SELECT Id FROM Contact WHERE Email LIKE 'dan_example%'", []),  # ... and exactly one
    ("SELECT Id FROM Contact WHERE Email = null", ["Dan", "Priya"]),
    ("SELECT Id FROM Contact WHERE Email != null ORDER BY Email", ["Dana", "Zoë"]),
    ("SELECT Id FROM Contact WHERE LeadScore__c >= 50", ["Dan"]),
    ("SELECT Id FROM Contact ORDER BY LeadScore__c DESC", ["Dan", "Dana", "Zoë", "Priya"]),  # DESC: nulls last
    ("SELECT Id FROM Contact ORDER BY LeadScore__c ASC NULLS LAST, FirstName", ["Dana", "Dan", "Priya", "Zoë"]),
    ("SELECT Id FROM Contact WHERE Birthdate > 1990-01-01", ["Priya"]),
    ("SELECT Id FROM Contact WHERE CreatedDate > 2026-11-01T12:00:00Z", ["Dana"]),
    ("SELECT Id FROM Contact ORDER BY FirstName LIMIT 2", ["Dan", "Dana"]),
    ("SELECT Id FROM Contact ORDER BY FirstName LIMIT 2 OFFSET 1", ["Dana", "Priya"]),
    (f"SELECT Id FROM Contact WHERE Id = '{make_id('003', 3)[:15]}'", ["Zoë"]),  # a 15-character id is the same
    (f"SELECT Id FROM Contact WHERE Id IN ('{make_id('003', 1)}', '{make_id('003', 4)}')", ["Dana", "Priya"]),
])
def test_a_valid_query_selects_what_salesforce_would(soql, expected):
    assert names(soql) == expected


def test_the_query_names_its_object_fields_and_the_equalities_that_narrow_it():
    query = parse("SELECT Id, callobject, WhoId FROM task WHERE CallObject = 'int-1' AND Status = 'Completed'")
    assert query.sobject is TASK
    assert [f.name for f in query.fields] == ["Id", "CallObject", "WhoId"]  # Salesforce's spelling of each name
    assert query.hints == {"CallObject": ["int-1"], "Status": ["Completed"]}
    assert parse("SELECT Id FROM Contact WHERE Phone = '1' OR Email = 'x'").hints == {}  # an OR narrows nothing


@pytest.mark.parametrize("soql, code", [
    ("", "MALFORMED_QUERY"),
    ("SELECT FROM Contact", "MALFORMED_QUERY"),
    ("SELECT * FROM Contact", "MALFORMED_QUERY"),
    ("SELECT Id Contact", "MALFORMED_QUERY"),
    ("SELECT Id FROM Contact WHERE", "MALFORMED_QUERY"),
    ("SELECT Id FROM Contact WHERE Phone = '+1555", "MALFORMED_QUERY"),  # unterminated string
    ("SELECT Id FROM Contact WHERE Phone '+1555'", "MALFORMED_QUERY"),
    ("SELECT Id FROM Contact WHERE LastName = 'a' AND Phone = 'b' OR Email = 'c'", "MALFORMED_QUERY"),
    ("SELECT Id FROM Contact WHERE (LastName = 'a'", "MALFORMED_QUERY"),
    ("SELECT Id FROM Contact WHERE DoNotCall = 'true'", "MALFORMED_QUERY"),  # a boolean is not quoted
    ("SELECT Id FROM Contact WHERE Phone = 5551230002", "MALFORMED_QUERY"),  # text is quoted
    ("SELECT Id FROM Contact WHERE LeadScore__c > '5'", "MALFORMED_QUERY"),
    ("SELECT Id FROM Contact WHERE Phone = 'x' \\q", "MALFORMED_QUERY"),
    ("SELECT Id FROM Contact LIMIT -1", "MALFORMED_QUERY"),
    ("SELECT Id FROM Contact LIMIT 5 junk", "MALFORMED_QUERY"),
    ("SELECT Id FROM Contact WHERE Email > null", "MALFORMED_QUERY"),
    ("SELECT Id FROM Contact ORDER FirstName", "MALFORMED_QUERY"),
    ("SELECT Id FROM Contact OFFSET 2001", "NUMBER_OUTSIDE_VALID_RANGE"),
    ("SELECT Id FROM Contacts", "INVALID_TYPE"),
    ("SELECT Id FROM Order__c", "INVALID_TYPE"),
    ("SELECT Id, Shoe FROM Contact", "INVALID_FIELD"),
    ("SELECT Id FROM Contact WHERE AccountNumber = '1'", "INVALID_FIELD"),  # the custom field is AccountNumber__c
    ("SELECT Id, Id FROM Contact", "INVALID_FIELD"),
    ("SELECT Owner.Username FROM Task", "INVALID_FIELD"),
    ("SELECT Id FROM Task WHERE Description = 'x'", "INVALID_FIELD"),  # long text cannot be filtered
    ("SELECT Id FROM Task ORDER BY Description", "INVALID_FIELD"),
    ("SELECT Id FROM Contact WHERE Id = '42'", "INVALID_QUERY_FILTER_OPERATOR"),
    ("SELECT Id FROM Contact WHERE Id > '003Dk000000000gIAA'", "INVALID_QUERY_FILTER_OPERATOR"),
    ("SELECT Id FROM Contact WHERE DoNotCall LIKE 'tr%'", "INVALID_QUERY_FILTER_OPERATOR"),
])
def test_a_malformed_query_is_refused_with_salesforces_error_code(soql, code):
    with pytest.raises(SoqlError) as refused:
        parse(soql)
    assert refused.value.code == code, refused.value.message
    assert refused.value.message


def test_fields_hidden_from_a_role_do_not_exist_for_its_queries():
    trainee_view = CONTACT.visible({"date_of_birth", "tax_id", "billing.balance"})
    with pytest.raises(SoqlError) as refused:
        parse("SELECT Id, TaxId__c FROM Contact", lambda name: trainee_view if name.lower() == "contact" else sobject(name))
    assert refused.value.code == "INVALID_FIELD" and "TaxId__c" in refused.value.message
