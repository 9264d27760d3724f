import datetime

from django.core.exceptions import ValidationError
from django.test import SimpleTestCase

from register.rules import (
    check_active,
    check_dates,
    check_enterprise_number,
    check_enterprise_number_free,
    check_not_own_parent,
    check_not_self_related,
    check_parent_active,
    check_postal_code,
    check_subtheme,
)


class RulesTests(SimpleTestCase):
    def test_postal_code(self) -> None:
        self.assertEqual(
            check_postal_code(postal_code="4000", commune=None, candidates=[7]), 7
        )
        self.assertEqual(
            check_postal_code(postal_code="4000", commune=8, candidates=[7, 8]), 8
        )
        for commune, candidates, field in (
            (None, [], "postal_code"),
            (9, [7, 8], "commune"),
            (None, [7, 8], "commune"),
        ):
            with self.assertRaises(ValidationError) as raised:
                check_postal_code(
                    postal_code="4000", commune=commune, candidates=candidates
                )
            self.assertEqual(list(raised.exception.message_dict), [field])

    def test_parent_active(self) -> None:
        check_parent_active(archived=True, kept=True)
        check_parent_active(archived=False, kept=False)
        with self.assertRaises(ValidationError) as raised:
            check_parent_active(archived=True, kept=False)
        self.assertEqual(list(raised.exception.message_dict), ["parent"])

    def test_active(self) -> None:
        check_active(organisation="CPAS", archived=False)
        with self.assertRaises(ValidationError) as raised:
            check_active(organisation="CPAS", archived=True, field="funders")
        self.assertIn("CPAS", raised.exception.message_dict["funders"][0])

    def test_subtheme(self) -> None:
        check_subtheme(theme_id=1, subtheme_id=None, subtheme_parent_id=None)
        check_subtheme(theme_id=1, subtheme_id=5, subtheme_parent_id=1)
        with self.assertRaises(ValidationError) as raised:
            check_subtheme(theme_id=1, subtheme_id=5, subtheme_parent_id=2)
        self.assertEqual(list(raised.exception.message_dict), ["subtheme"])

    def test_dates(self) -> None:
        day = datetime.date(2026, 12, 4)
        check_dates(start_date=day, end_date=day)
        check_dates(start_date=None, end_date=day)
        with self.assertRaises(ValidationError) as raised:
            check_dates(start_date=day, end_date=day - datetime.timedelta(days=1))
        self.assertEqual(list(raised.exception.message_dict), ["end_date"])

    def test_not_own_parent(self) -> None:
        check_not_own_parent(organisation_id=1, parent_id=2)
        check_not_own_parent(organisation_id=1, parent_id=None)
        check_not_own_parent(organisation_id=None, parent_id=None)
        with self.assertRaises(ValidationError) as raised:
            check_not_own_parent(organisation_id=1, parent_id=1)
        self.assertEqual(
            raised.exception.message_dict,
            {"parent": ["Une organisation ne peut pas être sa propre parente."]},
        )

    def test_enterprise_number(self) -> None:
        self.assertEqual(check_enterprise_number(""), "")
        for text in ("0212344876", "BE 0212.344.876", "212344876"):
            with self.subTest(text=text):
                self.assertEqual(check_enterprise_number(text), "0212344876")
        for text, code in (
            ("12345", "enterprise_number_format"),
            ("numéro", "enterprise_number_format"),
            ("0212.344.877", "enterprise_number_checksum"),
        ):
            with self.subTest(text=text), self.assertRaises(ValidationError) as raised:
                check_enterprise_number(text)
            errors = raised.exception.error_dict
            self.assertEqual(list(errors), ["enterprise_number"])
            self.assertEqual(
                [error.code for error in errors["enterprise_number"]], [code]
            )

    def test_enterprise_number_free(self) -> None:
        check_enterprise_number_free(number="0212344876", taken=False)
        with self.assertRaises(ValidationError) as raised:
            check_enterprise_number_free(number="0212344876", taken=True)
        self.assertEqual(
            raised.exception.message_dict,
            {
                "enterprise_number": [
                    "Une autre organisation porte déjà le numéro d'entreprise "
                    "0212344876."
                ]
            },
        )
        with self.assertRaises(ValidationError) as raised:
            check_enterprise_number_free(
                number="0212344876", taken=True, holder="CPAS de Liège"
            )
        self.assertEqual(
            raised.exception.message_dict["enterprise_number"],
            ["Ce numéro d'entreprise est déjà celui de CPAS de Liège."],
        )


class SelfRelationRuleTests(SimpleTestCase):
    def test_an_organisation_cannot_be_related_to_itself(self):
        with self.assertRaises(ValidationError) as raised:
            check_not_self_related(source=7, target=7)
        self.assertEqual(
            raised.exception.message_dict,
            {
                "target": [
                    "Une organisation ne peut pas être en relation avec elle-même."
                ]
            },
        )
        check_not_self_related(source=7, target=8)
        check_not_self_related(source=None, target=None)
