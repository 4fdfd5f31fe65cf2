# Fixture for cont import-auto (AUTO-07p demo enz): the symmetric states in s0
parnames = {1: 's0', 2: 'mu', 3: 'rho', 4: 'kappa'}
unames = {1: 's1', 2: 's2'}
NDIM = 2, ILP = 1, ISP = 1, IPLT = 0, NBC = 0, NINT = 0, NPR = 50, IID = 2, ITMX = 8, ITNW = 5, NWTN = 3, JAC = 0
EPSL = 1e-07, EPSU = 1e-07, EPSS = 1e-05
IPS = 1, IRS = 0, ISW = 1, ICP = [1], MXBF = 10
NMX = 250, DS = 0.1, DSMIN = 0.01, DSMAX = 0.25, IADS = 1
UZSTOP = {1: [0, 100]}
