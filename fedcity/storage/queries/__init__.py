"""Read helpers named get_x_by_y / list_x. No business rules live here."""
