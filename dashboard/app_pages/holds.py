from dashboard.app_pages._coming import coming

coming("Legal holds", [
    "active holds and blocked records by legal basis and data category, as of the chosen day",
    "releases due per month ahead, and holds past their retain-until date that were never released",
    "holds kept longer than their legal basis allows",
])
