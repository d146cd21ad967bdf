from dashboard.app_pages._coming import coming

coming("Transfers", [
    "the transfer log with fast filters (recipient, type, country, EEA, mechanism, basis, purpose) and exports",
    "non-EEA transfers and whether each has a valid safeguard (adequacy in force, SCCs, BCRs)",
    "disclosures to authorities, and sales without consent",
])
