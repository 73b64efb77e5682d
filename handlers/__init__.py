"""The conversation: turns an Incoming message into service calls and Outgoing replies."""
