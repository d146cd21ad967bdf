from dashboard.app_pages._coming import coming

coming("Overview", [
    "the headline figures of every area for the period, with the change against the previous period",
    "a status per area (on track / attention / breach) and the rule that decides it",
    "every finding across the logs by severity, each linking to the rows behind it",
    "the monthly report for management as a download",
])
