"""Columns of a record kind: one declaration drives the list, the detail page, the form, the XLSX
template, the import parser, the export and the API fields, so they can never disagree.

- ``base``: :class:`Column` (plain text) and how a raw cell is read;
- ``values``: whole numbers, amounts, dates, months, choices, yes/no, derived values;
- ``personal``: personal data, always masked; a masked value reads as :data:`KEEP`;
- ``references``: org units, partnerships, programmes, code-list entries, other records (people are
  ``workforce.columns``).

Import the names from here (``from shanhai.records.columns import Date``).
"""

from shanhai.records.columns.base import SEPARATORS, ApiField, CellValue, Column, Label, blank, text_of
from shanhai.records.columns.personal import KEEP, MASKED_VALUE, MaskedEchoInput, Personal, PersonalField, kept_keys
from shanhai.records.columns.references import (
    PARTNERSHIP_LABEL,
    PROGRAMME_LABEL,
    CodeRef,
    PartnershipRef,
    ProgrammeRef,
    RecordRef,
    Reference,
    UnitRef,
)
from shanhai.records.columns.values import (
    DATE_FORMATS,
    MONTH,
    NO,
    YES,
    Amount,
    Boolean,
    Choice,
    Date,
    Derived,
    Integer,
    Month,
    MonthField,
)

__all__ = [
    "DATE_FORMATS",
    "KEEP",
    "MASKED_VALUE",
    "MONTH",
    "NO",
    "PARTNERSHIP_LABEL",
    "PROGRAMME_LABEL",
    "SEPARATORS",
    "YES",
    "Amount",
    "ApiField",
    "Boolean",
    "CellValue",
    "Choice",
    "CodeRef",
    "Column",
    "Date",
    "Derived",
    "Integer",
    "Label",
    "MaskedEchoInput",
    "Month",
    "MonthField",
    "PartnershipRef",
    "Personal",
    "PersonalField",
    "ProgrammeRef",
    "RecordRef",
    "Reference",
    "UnitRef",
    "blank",
    "kept_keys",
    "text_of",
]
