"""Codes and keys the parts of the demo share."""

WALLONIA = "03000"
WALLONIA_FR = "03000:fr"
WALLONIA_DE = "03000:de"
BRUSSELS = "04000"
CRI_KEYS = ("cribw", "cric", "ceraic", "cimb", "cai", "cripel", "crvi", "crilux")
GOVERNORS = ("gov-bw", "gov-hainaut", "gov-liege", "gov-lux", "gov-namur")
