"""Connectors to systems outside the desk: the casino's payments/CRM backend."""
