"""A small program with one hot loop and one cold one, for perflint's profile tests."""

import sys


def load(n):
    table = {}
    for i in range(n):
        table[i] = i * i
    return table


def hot(table, keys):
    found = 0
    for k in keys:
        if k in table.keys():
            found += 1
    return found


def cold(table):
    return sum(1 for k in range(50) if k in table.keys())


def never(table):
    return [k for k in range(5) if k in table.keys()]


def main(rounds):
    table = load(1000)
    keys = list(range(2000))
    total = 0
    for _ in range(rounds):
        total += hot(table, keys)
    print(total + cold(table))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 400)
