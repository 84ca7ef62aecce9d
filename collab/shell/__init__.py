"""The roof's pages around the apps: the navigation, My work, signing in, the language
switch. Like the API and the KPIs it may import every app; nothing below imports it."""
