from dashboard.app_pages._coming import coming

coming("Cookie consent", [
    "banner impressions, interaction and opt-in rates per category, accept-all and reject-all shares",
    "trends with banner version changes marked, and the effect of each change",
    "cookies set before the visitor consented",
])
