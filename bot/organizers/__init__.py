"""The organizers' side: staff accounts, the isolation of each organizer's data, the web console and the API."""
