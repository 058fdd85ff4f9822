"""tests/oracle/tally.py - a pass/fail count for oracle scripts: check() prints
each failure with its detail, summary() prints the last line run.sh shows and
gives the exit status."""


class Tally:
    def __init__(self, name):
        self.name, self.passed, self.failed = name, 0, 0

    def check(self, what, cond, detail=""):
        if cond:
            self.passed += 1
        else:
            self.failed += 1
            print("FAIL %s %s" % (what, str(detail)[:400]))

    def summary(self):
        """Print "<name> oracle: N passed, M failed"; return the exit status."""
        print("%s oracle: %d passed, %d failed" % (self.name, self.passed, self.failed))
        return 1 if self.failed else 0
