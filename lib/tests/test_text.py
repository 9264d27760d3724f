"""The checks of the texts people write: control characters and long texts."""

from django.core.exceptions import ValidationError
from django.test import SimpleTestCase

from lib.text import long_text_validators, validate_line, validate_text


class TextValidatorTests(SimpleTestCase):
    def refusal(self, validate, value: str) -> ValidationError:
        with self.assertRaises(ValidationError) as refused:
            validate(value)
        return refused.exception

    def test_it_names_the_control_character_and_its_position(self):
        for validate in (validate_line, validate_text):
            with self.subTest(validate=validate.__name__):
                error = self.refusal(validate, "Croix-Rouge\x00")
                self.assertEqual(error.code, "control_character")
                self.assertEqual(
                    error.messages,
                    [
                        "Ce texte contient un caractère de contrôle (U+0000) à la "
                        "position 12 : retirez-le."
                    ],
                )

    def test_it_refuses_c0_del_and_c1_controls_everywhere(self):
        for character in ("\x01", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\x85"):
            for validate in (validate_line, validate_text):
                with self.subTest(character=repr(character), validate=validate):
                    error = self.refusal(validate, f"a{character}b")
                    self.assertIn(f"(U+{ord(character):04X})", error.messages[0])
                    self.assertIn("position 2", error.messages[0])

    def test_a_text_keeps_its_tabs_and_line_breaks_a_line_does_not(self):
        text = "Lundi\t9 h – 12 h\r\nMardi\t14 h – 16 h\nMercredi"
        validate_text(text)
        error = self.refusal(validate_line, "Rue de la Loi\n16")
        self.assertEqual(error.code, "line_break")
        self.assertEqual(
            error.messages,
            [
                "Ce champ tient sur une ligne : retirez le saut de ligne à la "
                "position 14."
            ],
        )
        self.assertEqual(self.refusal(validate_line, "a\rb").code, "line_break")
        self.assertIn("(U+0009)", self.refusal(validate_line, "a\tb").messages[0])

    def test_it_refuses_a_lone_surrogate(self):
        error = self.refusal(validate_text, "ab\ud800")
        self.assertEqual(error.code, "invalid_character")
        self.assertIn("(U+D800) à la position 3", error.messages[0])

    def test_it_accepts_every_script_and_symbol(self):
        for text in ("Église Saint-Gilles", "Україна", "Русский", "عربي", "😀 ≠ €"):
            with self.subTest(text=text):
                validate_line(text)
                validate_text(text)

    def test_a_long_text_is_bounded(self):
        validators = long_text_validators(10)
        for validate in validators:
            validate("a" * 10)
        errors = []
        for validate in validators:
            try:
                validate("a" * 11)
            except ValidationError as error:
                errors += error.messages
        self.assertEqual(
            errors,
            [
                "Assurez-vous que cette valeur comporte au plus 10 caractères "
                "(actuellement 11)."
            ],
        )
