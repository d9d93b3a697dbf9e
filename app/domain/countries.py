"""ISO 3166 alpha-3 to alpha-2 for the countries German marketplaces ship to."""

ALPHA3_TO_ALPHA2 = {
    "DEU": "DE", "AUT": "AT", "CHE": "CH", "NLD": "NL", "BEL": "BE", "LUX": "LU", "FRA": "FR", "ITA": "IT",
    "ESP": "ES", "PRT": "PT", "POL": "PL", "CZE": "CZ", "SVK": "SK", "HUN": "HU", "SVN": "SI", "HRV": "HR",
    "DNK": "DK", "SWE": "SE", "NOR": "NO", "FIN": "FI", "ISL": "IS", "IRL": "IE", "GBR": "GB", "GRC": "GR",
    "ROU": "RO", "BGR": "BG", "EST": "EE", "LVA": "LV", "LTU": "LT", "MLT": "MT", "CYP": "CY", "LIE": "LI",
    "MCO": "MC", "SMR": "SM", "AND": "AD", "USA": "US", "CAN": "CA", "TUR": "TR", "UKR": "UA", "SRB": "RS",
}


def to_alpha2(code: str) -> str:
    """Alpha-2 for a known alpha-3 code; alpha-2 input passes through; unknown codes are kept."""
    code = code.strip().upper()
    return ALPHA3_TO_ALPHA2.get(code, code)
