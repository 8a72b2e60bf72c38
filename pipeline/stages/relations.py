"""Relations. (Being implemented.)"""
def load_patterns(paths=()):
    return []


def find_relations(view, tokens, sentences, entities, dates, patterns):
    return []
