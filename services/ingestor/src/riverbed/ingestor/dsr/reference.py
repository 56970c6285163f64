"""Reference data: ISO 4217 currencies and ISO 3166 territories DSRs are reported for."""

from __future__ import annotations

__all__ = ["CURRENCIES", "TERRITORIES"]

# code -> (name, symbol)
CURRENCIES: dict[str, tuple[str, str]] = {
    "EUR": ("Euro", "€"),
    "NOK": ("Norwegian krone", "kr"),
    "SEK": ("Swedish krona", "kr"),
    "DKK": ("Danish krone", "kr"),
    "CHF": ("Swiss franc", "CHF"),
    "GBP": ("Pound sterling", "£"),
    "USD": ("US dollar", "$"),
    "JPY": ("Japanese yen", "¥"),
    "PLN": ("Polish zloty", "zł"),
    "CZK": ("Czech koruna", "Kč"),
    "HUF": ("Hungarian forint", "Ft"),
    "CAD": ("Canadian dollar", "$"),
    "AUD": ("Australian dollar", "$"),
    "BRL": ("Brazilian real", "R$"),
    "MXN": ("Mexican peso", "$"),
}

# ISO-2 -> (name, ISO-3, local currency)
TERRITORIES: dict[str, tuple[str, str, str]] = {
    "ES": ("Spain", "ESP", "EUR"),
    "FR": ("France", "FRA", "EUR"),
    "DE": ("Germany", "DEU", "EUR"),
    "IT": ("Italy", "ITA", "EUR"),
    "PT": ("Portugal", "PRT", "EUR"),
    "NL": ("Netherlands", "NLD", "EUR"),
    "BE": ("Belgium", "BEL", "EUR"),
    "AT": ("Austria", "AUT", "EUR"),
    "IE": ("Ireland", "IRL", "EUR"),
    "FI": ("Finland", "FIN", "EUR"),
    "NO": ("Norway", "NOR", "NOK"),
    "SE": ("Sweden", "SWE", "SEK"),
    "DK": ("Denmark", "DNK", "DKK"),
    "CH": ("Switzerland", "CHE", "CHF"),
    "GB": ("United Kingdom", "GBR", "GBP"),
    "US": ("United States", "USA", "USD"),
    "JP": ("Japan", "JPN", "JPY"),
    "PL": ("Poland", "POL", "PLN"),
    "CZ": ("Czechia", "CZE", "CZK"),
    "HU": ("Hungary", "HUN", "HUF"),
    "CA": ("Canada", "CAN", "CAD"),
    "AU": ("Australia", "AUS", "AUD"),
    "BR": ("Brazil", "BRA", "BRL"),
    "MX": ("Mexico", "MEX", "MXN"),
}
