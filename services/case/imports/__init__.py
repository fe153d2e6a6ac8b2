"""Station sheets in and out: recipient and micro-wish imports, wish-list exports."""
