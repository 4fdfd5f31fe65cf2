# Fixture for cont import-auto (AUTO-07p demo pp2): the trivial state in the quota
unames = {1: 'fish', 2: 'sharks'}
parnames = {1: 'quota', 2: 'p2', 3: 'p3', 4: 'p4', 9: 'fish_max'}
NDIM = 2, ILP = 1, ISP = 2, IPLT = 0, NBC = 0, NINT = 0, NPR = 50, MXBF = 10, IID = 2, ITMX = 8, ITNW = 5, NWTN = 3, JAC = 0
EPSL = 1e-06, EPSU = 1e-06, EPSS = 1e-05
NTST = 90, NCOL = 4, IAD = 3
IPS = 1, IRS = 0, ISW = 1, ICP = ['quota']
NMX = 100, DS = 0.02, DSMIN = 0.01, DSMAX = 0.06, IADS = 1
UZSTOP = {'quota': [0, 1]}
