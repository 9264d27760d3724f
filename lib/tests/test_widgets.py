from django import forms
from django.test import SimpleTestCase
from django.utils.safestring import mark_safe

from lib.widgets import FastSelect, PreparedChoiceField, PreparedChoices

CHOICES = [
    ("", "Toutes"),
    ("a", "Ambre & <b>"),
    ("Groupe", [("b", "Bleu"), ("c", "Cyan")]),
    ("d", mark_safe("<i>déjà sûr</i>")),
]


class FastSelectMultiple(FastSelect):
    allow_multiple_selected = True


class Form(forms.Form):
    colour = PreparedChoiceField(widget=FastSelect, required=False)
    colours = forms.MultipleChoiceField(
        widget=FastSelectMultiple(attrs={"class": "wide"}), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        colour, colours = self.fields["colour"], self.fields["colours"]
        assert isinstance(colour, PreparedChoiceField)
        assert isinstance(colours, forms.MultipleChoiceField)
        colour.choices = PreparedChoices(CHOICES)
        colours.choices = CHOICES


class PreparedChoicesTests(SimpleTestCase):
    def test_they_keep_the_choices_their_values_and_options(self):
        prepared = PreparedChoices(CHOICES)
        self.assertEqual(list(prepared)[2], ("Groupe", [("b", "Bleu"), ("c", "Cyan")]))
        self.assertEqual(len(prepared), 4)
        self.assertEqual(prepared.values, {"", "a", "b", "c", "d"})
        self.assertEqual(
            prepared.options,
            '<option value="">Toutes</option>'
            '<option value="a">Ambre &amp; &lt;b&gt;</option>'
            '<optgroup label="Groupe"><option value="b">Bleu</option>'
            '<option value="c">Cyan</option></optgroup>'
            '<option value="d"><i>déjà sûr</i></option>',
        )

    def test_a_field_accepts_their_values_only(self):
        for value, valid in (("a", True), ("c", True), ("Groupe", False), ("z", False)):
            with self.subTest(value=value):
                form = Form({"colour": value})
                self.assertEqual(form.is_valid(), valid)
                if not valid:
                    self.assertIn("colour", form.errors)


class FastSelectTests(SimpleTestCase):
    def test_it_marks_the_selected_option_in_a_prepared_select(self):
        html = str(Form({"colour": "c"})["colour"])
        self.assertTrue(html.startswith('<select id="id_colour" name="colour">'))
        self.assertIn('<option value="c" selected>Cyan</option>', html)
        self.assertEqual(html.count(" selected"), 1)
        self.assertTrue(html.endswith("</option></select>"))

    def test_an_unknown_value_selects_nothing(self):
        self.assertNotIn(" selected", str(Form({"colour": "zz"})["colour"]))

    def test_it_marks_every_value_of_a_multiple_select_from_plain_choices(self):
        html = str(Form({"colours": ["a", "b"]})["colours"])
        self.assertIn('class="wide"', html)
        self.assertIn(" multiple", html)
        self.assertIn('<option value="a" selected>Ambre &amp; &lt;b&gt;</option>', html)
        self.assertIn('<option value="b" selected>Bleu</option>', html)
        self.assertNotIn('<option value="c" selected>', html)

    def test_a_value_needing_escapes_is_marked_too(self):
        select = FastSelect(choices=PreparedChoices([('"q" & <r>', "Q")]))
        html = select.render("colour", '"q" & <r>')
        self.assertIn(
            '<option value="&quot;q&quot; &amp; &lt;r&gt;" selected>Q</option>', html
        )
