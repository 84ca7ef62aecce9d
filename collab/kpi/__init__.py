"""Department collaboration KPIs (DOMAIN §9): figures per period and department,
computed by aggregate queries, with trends, ranking, drill-down and exports."""
