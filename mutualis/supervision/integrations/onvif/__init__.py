"""ONVIF devices: their event notifications (WS-BaseNotification, ONVIF Core § Event handling) mapped to generic
events."""
