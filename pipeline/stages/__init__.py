"""Pipeline stages: each module holds a plain function at its heart and a thin spaCy component."""
