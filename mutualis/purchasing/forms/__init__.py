"""Forms of the purchasing pages, one module per area (agreements, orders, invoices and deliveries); import the
module you need: `from mutualis.purchasing.forms.orders import OrderUpdateForm`. They check the shape of the input;
the services hold the rules."""
