# Fixture for cont import-auto (AUTO-07p demo abc, c.abc.1): the stationary states in D up to 0.4
parnames = {1: 'D', 2: 'alpha', 3: 'beta', 4: 'B', 5: 's'}
unames = {1: 'x1', 2: 'x2', 3: 'x3'}
NDIM = 3, ILP = 1, ISP = 1, IPLT = 0, NBC = 0, NINT = 0, NPR = 50, MXBF = 10, IID = 2, ITMX = 8, ITNW = 5, NWTN = 3, JAC = 0
EPSL = 1e-07, EPSU = 1e-07, EPSS = 1e-04
NTST = 25, NCOL = 4, IAD = 3
IPS = 1, IRS = 0, ISW = 1, ICP = ['D']
NMX = 130, DS = 0.02, DSMIN = 0.001, DSMAX = 0.1, IADS = 1
UZSTOP = {'D': 0.4}
