"""Privacy Audit Dashboard: audit logs in DuckDB, checked against a privacy policy, shown in Streamlit."""
