"""The document types every installation starts with (the regions' own names): kind, name, months."""

DEFAULT_TYPES = [
    ("governing", "Policy", 48),
    ("governing", "Strategi", 48),
    ("governing", "Program", 36),
    ("governing", "Plan", 12),
    ("governing", "Riktlinje", 24),
    ("governing", "Rutin", 24),
    ("governing", "Instruktion", 24),
    ("governing", "Vårdprogram", 36),
    ("reporting", "Årsredovisning", 12),
    ("reporting", "Patientsäkerhetsberättelse", 12),
    ("reporting", "Miljöredovisning", 12),
]
