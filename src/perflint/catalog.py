"""What selecting rules needs to know of each rule, without importing any rule.

Rule modules import libcst, which takes longer to import than a run on an unchanged tree
takes in all; so the command line selects rules from this catalog and only the processes
that analyze code import the rules. The table is generated from the rule classes by
`scripts/generate.py`, and a test keeps the two equal.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Tuple

Target = Tuple[int, int]
Needs = Tuple[Tuple[str, ...], ...]  # see `Rule.needs`


def in_range(target: Target, min_target: Optional[Target], below_target: Optional[Target]) -> bool:
    return (min_target is None or target >= min_target) and (below_target is None or target < below_target)


@dataclass(frozen=True)
class RuleInfo:
    code: str
    name: str
    default_on: bool
    min_target: Optional[Target]
    below_target: Optional[Target]
    impact: str  # "algorithmic" or "constant" (`model.Impact`)
    reads_class: bool = False
    needs: Needs = ((),)

    def applies_to(self, target: Target) -> bool:
        return in_range(target, self.min_target, self.below_target)

    def enabled_by_default(self, target: Target) -> bool:
        return self.default_on and self.applies_to(target)


# generated:start
RULES: Tuple[RuleInfo, ...] = (
    RuleInfo('PFL101', 'module-attribute-in-loop', True, None, None, 'constant', False,
        (('def', 'loop attribute array.*'), ('def', 'loop attribute binascii.*'), ('def', 'loop attribute bisect.*'), ('def', 'loop attribute cmath.*'), ('def', 'loop attribute heapq.*'), ('def', 'loop attribute itertools.*'), ('def', 'loop attribute keyword.*'), ('def', 'loop attribute math.*'), ('def', 'loop attribute operator.*'), ('def', 'loop attribute random.*'), ('def', 'loop attribute string.*'), ('def', 'loop attribute struct.*'), ('def', 'loop attribute unicodedata.*'), ('def', 'loop attribute zlib.*'), ('def', 'loop attribute ntpath.basename'), ('def', 'loop attribute ntpath.dirname'), ('def', 'loop attribute ntpath.isabs'), ('def', 'loop attribute ntpath.join'), ('def', 'loop attribute ntpath.normcase'), ('def', 'loop attribute ntpath.normpath'), ('def', 'loop attribute ntpath.split'), ('def', 'loop attribute ntpath.splitdrive'), ('def', 'loop attribute ntpath.splitext'), ('def', 'loop attribute os.path.basename'), ('def', 'loop attribute os.path.dirname'), ('def', 'loop attribute os.path.isabs'), ('def', 'loop attribute os.path.join'), ('def', 'loop attribute os.path.normcase'), ('def', 'loop attribute os.path.normpath'), ('def', 'loop attribute os.path.split'), ('def', 'loop attribute os.path.splitdrive'), ('def', 'loop attribute os.path.splitext'), ('def', 'loop attribute posixpath.basename'), ('def', 'loop attribute posixpath.dirname'), ('def', 'loop attribute posixpath.isabs'), ('def', 'loop attribute posixpath.join'), ('def', 'loop attribute posixpath.normcase'), ('def', 'loop attribute posixpath.normpath'), ('def', 'loop attribute posixpath.split'), ('def', 'loop attribute posixpath.splitdrive'), ('def', 'loop attribute posixpath.splitext'))),
    RuleInfo('PFL102', 'global-name-in-loop', False, None, None, 'constant', False,
        (('def', 'loop'),)),
    RuleInfo('PFL103', 'try-except-in-loop', True, None, (3, 11), 'constant', False,
        (('loop try',),)),
    RuleInfo('PFL104', 'unnecessary-list-cast', True, None, None, 'constant', False,
        (('def', 'for in list()'), ('def', 'for in tuple()'), ('def', 'loop in list()'), ('def', 'loop in tuple()'))),
    RuleInfo('PFL105', 'dict-items-unused', True, None, None, 'constant', False,
        (('def', 'for a, b in items(), one unused'),)),
    RuleInfo('PFL106', 'range-len-index', True, None, None, 'constant', False,
        (('def', 'index lookup'),)),
    RuleInfo('PFL107', 'readlines-in-for', True, None, None, 'constant', False,
        (('def', 'for in readlines()'),)),
    RuleInfo('PFL108', 'enumerate-index-unused', True, None, None, 'constant', False,
        (('def', 'for a, b in enumerate(), one unused'),)),
    RuleInfo('PFL109', 'key-loop-lookup', True, None, None, 'constant', False,
        (('def', 'key lookup'),)),
    RuleInfo('PFL110', 'bin-count', True, (3, 10), None, 'constant', False,
        (('call bin', 'call count'),)),
    RuleInfo('PFL201', 'quadratic-str-concat', True, None, None, 'algorithmic', True,
        (('def', 'loop shared str +='), ('def', 'loop shared str = +'), ('def', 'loop global +='), ('def', 'loop global = +'))),
    RuleInfo('PFL202', 'str-concat-in-loop', True, None, None, 'constant', False,
        (('def', 'loop str +='), ('def', 'loop str = +'))),
    RuleInfo('PFL203', 'bytes-concat-in-loop', True, None, None, 'algorithmic', True,
        (('def', 'loop bytes +='), ('def', 'loop bytes = +'), ('def', 'loop shared bytes +='), ('def', 'loop shared bytes = +'), ('def', 'loop global +='), ('def', 'loop global = +'))),
    RuleInfo('PFL204', 'join-generator', True, None, None, 'constant', False,
        (('join(GeneratorExp)',),)),
    RuleInfo('PFL301', 'list-membership-in-loop', True, None, None, 'algorithmic', False,
        (('def', 'loop list tested'),)),
    RuleInfo('PFL302', 'literal-membership', True, None, None, 'constant', False,
        (('def', 'loop in display'),)),
    RuleInfo('PFL303', 'list-pop-front', True, None, None, 'algorithmic', False,
        (('def', 'loop list.pop(0)'), ('def', 'loop slice.pop(0)'))),
    RuleInfo('PFL304', 'list-insert-front', True, None, None, 'algorithmic', False,
        (('def', 'loop list.insert(0)'), ('def', 'loop slice.insert(0)'))),
    RuleInfo('PFL305', 'sort-after-insert', True, None, None, 'algorithmic', False,
        (('def', 'loop name.sort()', 'loop name.append()'), ('def', 'loop shared.sort()', 'loop shared.append()'))),
    RuleInfo('PFL306', 'manual-counter', True, None, None, 'constant', False,
        (('def', 'loop dict[]', 'loop shared +='), ('def', 'loop dict[]', 'loop [] = get() +'))),
    RuleInfo('PFL307', 'manual-defaultdict', True, None, None, 'constant', False,
        (('def', 'loop not in', 'loop [] = empty'),)),
    RuleInfo('PFL308', 'sorted-for-min-max', True, None, None, 'algorithmic', False,
        (('sorted()[]',),)),
    RuleInfo('PFL309', 'manual-priority-queue', True, None, None, 'algorithmic', False,
        (('def', 'while', 'loop call remove', 'loop call min'), ('def', 'while', 'loop call remove', 'loop call max'), ('def', 'while', 'loop call sort', 'loop call pop'))),
    RuleInfo('PFL310', 'in-dict-keys', True, None, None, 'constant', False,
        (('in keys()',),)),
    RuleInfo('PFL311', 'first-element-copy', True, None, None, 'algorithmic', False,
        (('list()[]',), ('tuple()[]',), ('display[]',))),
    RuleInfo('PFL312', 'quadratic-list-sum', True, None, None, 'algorithmic', False,
        (('sum([])',),)),
    RuleInfo('PFL313', 'list-concat-in-loop', True, None, None, 'algorithmic', False,
        (('def', 'loop list = +'), ('def', 'loop global = +'))),
    RuleInfo('PFL314', 'slice-shift-in-loop', True, None, None, 'algorithmic', False,
        (('def', 'loop valued = [n:]'), ('def', 'loop list = [n:]'), ('def', 'loop .append() = [n:]'), ('def', 'loop .decode() = [n:]'), ('def', 'loop .encode() = [n:]'), ('def', 'loop .endswith() = [n:]'), ('def', 'loop .extend() = [n:]'), ('def', 'loop .find() = [n:]'), ('def', 'loop .insert() = [n:]'), ('def', 'loop .lower() = [n:]'), ('def', 'loop .lstrip() = [n:]'), ('def', 'loop .partition() = [n:]'), ('def', 'loop .pop() = [n:]'), ('def', 'loop .replace() = [n:]'), ('def', 'loop .rfind() = [n:]'), ('def', 'loop .rpartition() = [n:]'), ('def', 'loop .rsplit() = [n:]'), ('def', 'loop .rstrip() = [n:]'), ('def', 'loop .split() = [n:]'), ('def', 'loop .startswith() = [n:]'), ('def', 'loop .strip() = [n:]'), ('def', 'loop .upper() = [n:]'))),
    RuleInfo('PFL315', 'list-index-in-loop', True, None, None, 'algorithmic', False,
        (('def', 'loop list.index()'),)),
    RuleInfo('PFL401', 'manual-list-comprehension', True, None, None, 'constant', False,
        (('def', 'list built by append'), ('def', 'list built by copying append'))),
    RuleInfo('PFL402', 'manual-list-copy', True, None, None, 'constant', False,
        (('def', 'name built by copying append'),)),
    RuleInfo('PFL403', 'manual-dict-comprehension', True, None, None, 'constant', False,
        (('def', 'dict built by item'),)),
    RuleInfo('PFL404', 'manual-set-update', True, None, None, 'constant', False,
        (('def', 'name built by copying add'), ('def', 'name built by copying discard'))),
    RuleInfo('PFL405', 'list-comprehension-in-any-all', True, None, None, 'algorithmic', False,
        (('any(ListComp)',), ('any(SetComp)',), ('all(ListComp)',), ('all(SetComp)',))),
    RuleInfo('PFL406', 'identity-comprehension', True, None, None, 'constant', False,
        (('identity comprehension',),)),
    RuleInfo('PFL407', 'generator-in-constructor', True, None, None, 'constant', False,
        (('list(GeneratorExp)',), ('set(GeneratorExp)',), ('dict(GeneratorExp)',))),
    RuleInfo('PFL408', 'map-lambda', True, None, None, 'constant', False,
        (('map(Lambda)',),)),
    RuleInfo('PFL501', 'missing-memoization', True, None, None, 'algorithmic', False,
        (('recursive',),)),
    RuleInfo('PFL502', 'cache-on-method', True, None, None, 'algorithmic', False,
        (('def', '@functools.cache'), ('def', '@functools.lru_cache'), ('def', '@cache'), ('def', '@lru_cache'))),
    RuleInfo('PFL503', 'dataclass-without-slots', False, (3, 10), None, 'constant', True,
        (('@dataclass',), ('@dataclasses.dataclass',))),
    RuleInfo('PFL601', 'elementwise-loop-over-array', True, None, None, 'constant', False,
        (('loop array iterated',), ('for in array()',), ('array passed to enumerate()',), ('array passed to zip()',), ('for in range()', 'loop array[]'))),
    RuleInfo('PFL602', 'array-append-in-loop', True, None, None, 'algorithmic', False,
        (('def', 'loop call numpy.append'), ('def', 'loop call numpy.column_stack'), ('def', 'loop call numpy.concatenate'), ('def', 'loop call numpy.dstack'), ('def', 'loop call numpy.hstack'), ('def', 'loop call numpy.row_stack'), ('def', 'loop call numpy.stack'), ('def', 'loop call numpy.vstack'))),
    RuleInfo('PFL603', 'dataframe-iterrows', True, None, None, 'constant', False,
        (('call iterrows', 'file import pandas'), ('call apply', 'file import pandas'))),
    RuleInfo('PFL604', 'dataframe-concat-in-loop', True, None, None, 'algorithmic', False,
        (('loop call concat', 'file import pandas'), ('loop call append', 'file import pandas'))),
    RuleInfo('PFL605', 'builtin-reduction-on-array', True, None, None, 'constant', False,
        (('array passed to sum()',), ('array passed to min()',), ('array passed to max()',), ('array passed to any()',), ('array passed to all()',), ('sum(array())',), ('min(array())',), ('max(array())',), ('any(array())',), ('all(array())',))),
    RuleInfo('PFL701', 'regex-in-loop', True, None, None, 'constant', False,
        (('def', 'loop call re.findall'), ('def', 'loop call re.finditer'), ('def', 'loop call re.fullmatch'), ('def', 'loop call re.match'), ('def', 'loop call re.search'), ('def', 'loop call re.split'), ('def', 'loop call re.sub'))),
    RuleInfo('PFL702', 'await-in-loop', False, None, None, 'algorithmic', False,
        (('async def', 'loop await'),)),
    RuleInfo('PFL703', 'blocking-call-in-async', True, None, None, 'algorithmic', False,
        (('async def', 'call open'), ('async def', 'annotated pathlib.*'), ('async def', 'call httpx.*'), ('async def', 'call io.*'), ('async def', 'call os.*'), ('async def', 'call pathlib.*'), ('async def', 'call requests.*'), ('async def', 'call subprocess.*'), ('async def', 'call time.*'), ('async def', 'call urllib.*'), ('async def', 'call urllib3.*'))),
    RuleInfo('PFL704', 'write-in-loop', True, None, None, 'constant', False,
        (('loop name.write()', 'file call io.BytesIO'), ('loop shared.write()', 'file call io.BytesIO'))),
)
# generated:end
