from territory.models import CodeSuccessor, Commune


def commune_resolve(nis: str) -> Commune | None:
    """The commune in force for a NIS code, following a former code to its successor."""
    queryset = Commune.objects.select_related("province", "arrondissement", "region")
    commune = queryset.filter(nis=nis).first()
    if commune is not None:
        return commune
    successor = CodeSuccessor.objects.filter(old_nis=nis).first()
    if successor is None:
        return None
    return queryset.filter(nis=successor.commune_id).first()
