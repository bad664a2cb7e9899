"""Static transparency site generator for Offices of Police and Crime Commissioners."""
