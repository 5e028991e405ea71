"""Automations: blueprints, triggers, conditions and actions, compiled once and run per event."""
