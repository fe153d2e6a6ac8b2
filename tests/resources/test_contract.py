"""The resources contract: the code lists it defines are exactly the codes the service speaks."""

import typing

from services.resources import contract as c


class TestCodeLists:
    def test_offer_status_lists_every_status_of_an_offer(self) -> None:
        assert {m.value for m in c.OfferStatus} == set(typing.get_args(c.OfferStatusCode))

    def test_verification_status_lists_every_verification_state(self) -> None:
        assert {m.value for m in c.VerificationStatus} == set(typing.get_args(c.VerificationStatusCode))

    def test_ledger_entry_kind_lists_every_kind_of_entry(self) -> None:
        assert {m.value for m in c.LedgerEntryKind} == set(typing.get_args(c.EntryKind))

    def test_every_code_has_a_chinese_label(self) -> None:
        for vocabulary in (c.OfferStatus, c.VerificationStatus, c.LedgerEntryKind):
            assert all(m.label and m.label != m.value for m in vocabulary)
