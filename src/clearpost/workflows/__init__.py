"""The guidelines' processes as explicit state machines, sliced by feature."""
