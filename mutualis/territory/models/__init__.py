from mutualis.territory.models.geography import Commune, Departement, Intercommunality

__all__ = ["Commune", "Departement", "Intercommunality"]
