!---------------------------------------------------------------------------------------------
! Fixture for `cont import-auto` (written for this project; the problem is AUTO-07p's demo ab):
! the first-order exothermic reaction A -> B in a stirred tank (Uppal, Ray and Poore):
!   u1' = -u1 + D (1 - u1) exp(u2),   u2' = -u2 + B D (1 - u1) exp(u2) - beta u2
! with D = PAR(1) (Damkohler number), B = PAR(2) (heat of reaction), beta = PAR(3) (cooling).
!---------------------------------------------------------------------------------------------
      SUBROUTINE FUNC(NDIM,U,ICP,PAR,IJAC,F,DFDU,DFDP)
      IMPLICIT NONE
      INTEGER, INTENT(IN) :: NDIM, ICP(*), IJAC
      DOUBLE PRECISION, INTENT(IN) :: U(NDIM), PAR(*)
      DOUBLE PRECISION, INTENT(OUT) :: F(NDIM)
      DOUBLE PRECISION, INTENT(INOUT) :: DFDU(NDIM,*), DFDP(NDIM,*)
      DOUBLE PRECISION conversion, temperature, rate

      conversion = U(1); temperature = U(2)
      ! reaction rate, shared by both balances
      rate = PAR(1)*(1.D0 - conversion)*DEXP(temperature)
      F(1) = -conversion + rate
      F(2) = -temperature + PAR(2)*rate &
             - PAR(3)*temperature
      END SUBROUTINE FUNC

      SUBROUTINE STPNT(NDIM,U,PAR,T)
      IMPLICIT NONE
      INTEGER, INTENT(IN) :: NDIM
      DOUBLE PRECISION, INTENT(INOUT) :: U(NDIM), PAR(*)
      DOUBLE PRECISION, INTENT(IN) :: T
      PAR(1) = 0.D0
      PAR(2) = 8.D0
      PAR(3) = 3.D0
      U(1) = 0.D0
      U(2) = 0.D0
      END SUBROUTINE STPNT

      SUBROUTINE BCND
      END SUBROUTINE BCND
      SUBROUTINE ICND
      END SUBROUTINE ICND
      SUBROUTINE FOPT
      END SUBROUTINE FOPT
      SUBROUTINE PVLS
      END SUBROUTINE PVLS
