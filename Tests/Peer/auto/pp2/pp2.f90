! Fixture for `cont import-auto` (written for this project; the problem is AUTO-07p's
! demo pp2): a predator-prey model with harvesting of the prey at a rate that saturates.
      SUBROUTINE FUNC(NDIM,U,ICP,PAR,IJAC,F,DFDU,DFDP)
      IMPLICIT NONE
      INTEGER NDIM, ICP(*), IJAC
      DOUBLE PRECISION U(NDIM), PAR(*), F(NDIM), DFDU(NDIM,*), DFDP(NDIM,*)
      DOUBLE PRECISION fish, sharks, harvest
      fish = U(1)
      sharks = U(2)
      harvest = PAR(1)*(1 - DEXP(-PAR(3)*fish))
      F(1) = PAR(2)*fish*(1 - fish) - fish*sharks - harvest
      F(2) = -sharks + PAR(4)*fish*sharks
      RETURN
      END SUBROUTINE FUNC

      SUBROUTINE STPNT(NDIM,U,PAR,T)
      IMPLICIT NONE
      INTEGER NDIM
      DOUBLE PRECISION U(NDIM), PAR(*), T
      PAR(1) = 0.0D0
      PAR(2) = 3.0D0
      PAR(3) = 5.0D0
      PAR(4) = 3.0D0
      U(1) = 0.0D0
      U(2) = 0.0D0
      END SUBROUTINE STPNT

      SUBROUTINE PVLS(NDIM,U,PAR)
      IMPLICIT NONE
      INTEGER NDIM
      DOUBLE PRECISION U(NDIM), PAR(*), GETP
      PAR(9) = GETP('MAX', 1, U)
      END SUBROUTINE PVLS
