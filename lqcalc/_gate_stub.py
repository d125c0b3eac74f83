from lqcalc.validation import gate
class PartitionGate:
    def __init__(self, cfg, context, report=None):
        self.cfg, self.report, self.last = cfg, report, None
    def check(self, part):
        self.last = gate(part, self.cfg, report=self.report)
        return self.last.good, self.last.rejected
    def finish(self):
        return self.last
def validation_context(lf):
    return None
