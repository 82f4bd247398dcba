"""The scenario editor: form, party table, bindings to the Scenario model."""
