from dashboard.app_pages._coming import coming

coming("Requests", [
    "data subject requests received, closed, on time, open, overdue and at risk, with statutory deadlines "
    "(GDPR Art. 12(3), counted per Regulation 1182/71 with Swedish holidays)",
    "the open queue sorted by working days left, late and overdue lists, and a request's timeline",
    "repeat access requests within a year",
])
