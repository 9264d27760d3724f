"""The admin shows territory facts and lets nobody change them."""

from territory.tests.helpers import WalloniaPersonasTestCase


class TerritoryAdminTests(WalloniaPersonasTestCase):
    def test_the_administrator_can_view_communes_but_not_change_them(self):
        self.login(self.admin)
        response = self.client.get("/admin/territory/commune/?q=eupen")
        self.assertContains(response, "63023")
        self.assertNotContains(response, "coordinates")
        self.assertNotContains(response, "/admin/territory/commune/add/")
        detail = self.client.get("/admin/territory/commune/63023/change/")
        self.assertContains(detail, "non importées")
        self.assertContains(detail, "4700")
        self.assertNotContains(detail, 'name="name_fr"')
        self.assertEqual(
            self.client.get("/admin/territory/commune/add/").status_code, 403
        )
        response = self.client.post(
            "/admin/territory/commune/63023/delete/", {"post": "yes"}
        )
        self.assertEqual(response.status_code, 403)

    def test_every_territory_model_is_listed_for_the_administrator(self):
        self.login(self.admin)
        for model in [
            "region",
            "province",
            "arrondissement",
            "commune",
            "postalcode",
            "codesuccessor",
        ]:
            with self.subTest(model=model):
                response = self.client.get(f"/admin/territory/{model}/")
                self.assertEqual(response.status_code, 200)

    def test_other_roles_cannot_open_the_admin(self):
        self.login(self.coordinator)
        response = self.client.get("/admin/territory/commune/")
        self.assertEqual(response.status_code, 302)
